import { render } from 'hono/jsx/dom'
import { App } from './app'
import './style.css'

render(<App />, document.getElementById('app')!)
